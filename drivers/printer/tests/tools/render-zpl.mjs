// Renders ZPL files with zpl-renderer-js (zebrash compiled to WebAssembly), an
// independent ZPL renderer. Usage: node render-zpl.mjs WIDTH_MM LENGTH_MM DPMM IN.zpl OUT.png ...
// (pairs of input and output files). Exits non-zero if any label fails to render.
import fs from "node:fs";
import { ready } from "zpl-renderer-js";

const [widthMm, lengthMm, dpmm, ...files] = process.argv.slice(2);
const { api } = await ready;
let failed = 0;
for (let i = 0; i + 1 < files.length; i += 2) {
  const zpl = fs.readFileSync(files[i], "utf8");
  try {
    const png = await api.zplToBase64Async(zpl, Number(widthMm), Number(lengthMm), Number(dpmm));
    fs.writeFileSync(files[i + 1], Buffer.from(png, "base64"));
  } catch (e) {
    console.error(`${files[i]}: ${e}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
