// Entry of the inbound-mail parse threads (tinypool loads it; see mail-parser.ts). A worker
// thread does not inherit tsx's loader (neither under `tsx` nor under vitest), so it
// registers tsx before it imports the TypeScript.
import { register } from 'tsx/esm/api';

register();
const { prepareInbound } = await import('./prepare.ts');

export default (task) => prepareInbound(task);
