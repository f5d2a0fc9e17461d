// Builds the dashboard into OUTDIR (the folder `tapewatch serve` serves at `/`): the ES modules,
// page and styles from src/, and ECharts' prebuilt bundle from node_modules. No bundler: the
// browser loads the modules as they are, and nothing is fetched from elsewhere at runtime.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}
const echartsBundle = join(here, 'node_modules', 'echarts', 'dist', 'echarts.min.js');
if (!existsSync(echartsBundle)) {
  console.error(`build.mjs: ${echartsBundle} is missing; run "npm ci --prefix web" first`);
  process.exit(1);
}

const target = resolve(outDir);
rmSync(target, { recursive: true, force: true });
mkdirSync(join(target, 'vendor'), { recursive: true });
cpSync(join(here, 'src'), target, { recursive: true });
cpSync(echartsBundle, join(target, 'vendor', 'echarts.min.js'));
console.log(`dashboard built into ${target}`);
