// The page's error banner: what failed and, for a refused parameter, which one.

export function showError(error) {
  const banner = document.getElementById('error');
  const parameter = error && error.parameter ? ` (parameter: ${error.parameter})` : '';
  banner.textContent = `${error && error.message ? error.message : error}${parameter}`;
  banner.hidden = false;
}

export function clearError() {
  document.getElementById('error').hidden = true;
}
