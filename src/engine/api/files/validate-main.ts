/** Body of validate.mjs: `--file PATH --name DISPLAY_NAME --tmp DIR` → the validation Report as JSON on stdout. */
import { validateFile } from '../../data/import.ts';

export async function validateMain(argv: string[]): Promise<number> {
  const get = (k: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = get('file');
  if (!file) {
    console.error('usage: validate.mjs --file PATH [--name DISPLAY_NAME] [--tmp DIR]');
    return 2;
  }
  const report = await validateFile(file, { displayName: get('name'), tmpDir: get('tmp') });
  process.stdout.write(JSON.stringify(report));
  return 0;
}
