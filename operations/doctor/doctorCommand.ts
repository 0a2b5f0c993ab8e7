import { formatReport } from './formatReport';
import { defaultDoctorOptions, runDoctor, type DoctorOptions } from './runDoctor';

const USAGE = "usage: npm run doctor -- [--group-suffix SUFFIX (default: TRIPLANE_GROUP_SUFFIX)] [--vhost VHOST (default: the profile's)]";

/** `--group-suffix` (consumer groups of a local runtime started with a suffix) and `--vhost` (another RabbitMQ virtual host). */
export function parseDoctorArgs(args: readonly string[], defaults: DoctorOptions): DoctorOptions {
  const options = { ...defaults };
  for (let i = 0; i < args.length; i += 1) {
    const [flag, inline] = (args[i] ?? '').split(/=(.*)/s, 2);
    const value = inline ?? args[i + 1];
    if (flag !== '--group-suffix' && flag !== '--vhost') throw new Error(`unknown option ${args[i] ?? ''}\n${USAGE}`);
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (inline === undefined) i += 1;
    if (flag === '--group-suffix') options.groupSuffix = value;
    else options.vhost = value;
  }
  return options;
}

/** `npm run doctor`: checks the running services and the code's wiring; exits 1 on any fail. */
async function main(): Promise<number> {
  const results = await runDoctor(parseDoctorArgs(process.argv.slice(2), defaultDoctorOptions()));
  const report = formatReport(results);
  for (const line of report.lines) console.log(line);
  console.log(report.summary);
  return report.exitCode;
}

if (require.main === module) {
  void main()
    .catch((error: unknown) => {
      console.error(`doctor: ${(error as Error).message}`);
      return 1;
    })
    // Exit rather than wait for the event loop: a probe abandoned at its deadline may still hold a
    // socket. The empty write's callback runs once the report is flushed, so nothing is cut off.
    .then((code) => process.stdout.write('', () => process.exit(code)));
}
