import { setEnvironment, setEnvironmentDefaults } from '../../emulator/config/localConfig';

/**
 * Imported first by runFaultSuite: the suite process loads handlers (replays run projection handlers
 * in-process), and Powertools reads its settings when those modules load. Without this, every replay
 * batch would print an invocation log line and an EMF metrics blob between the suite's own lines.
 */
setEnvironmentDefaults({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
setEnvironment({ POWERTOOLS_METRICS_DISABLED: 'true' });
