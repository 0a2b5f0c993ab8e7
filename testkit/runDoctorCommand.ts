import { childEnvironment } from '../emulator/config/localConfig';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = PROJECT_ROOT;

export interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsx operations/doctor/doctorCommand.ts` as `npm run doctor` would, with the test environment plus `env`. */
export function runDoctorCommand(env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'operations', 'doctor', 'doctorCommand.ts'), ...args], { cwd: root, env: childEnvironment(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
