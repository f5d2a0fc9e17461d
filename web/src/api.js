// The JSON API client (docs/API.md): query strings from filter objects, errors as exceptions
// that carry the server's message and the parameter it named.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.parameter = body ? body.parameter : undefined;
  }
}

/** "a=1&b=x" from an object, leaving out empty values so no filter is sent blank. */
export function queryString(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function parse(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function getJson(path, params) {
  return parse(await fetch(path + queryString(params), { headers: { Accept: 'application/json' } }));
}

export async function postJson(path, body) {
  return parse(await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  }));
}
