import { writeFileSync } from 'node:fs';
import { soak, describeReport } from './dist/test/support/soak.js';
import { soakSvg } from './dist/bench/plot.js';
const r = await soak({ seconds: Number(process.argv[2]), share: 0.7, stepSeconds: 3, reloadEvery: 5 });
writeFileSync('/tmp/h8-soak5.json', JSON.stringify(r));
if (process.argv[3]) writeFileSync(process.argv[3], soakSvg(r));
console.log(describeReport(r), 'alive', r.aliveAfter);
for (const s of r.samples) if (s.answered < s.sent * 0.99) console.log(s.second, s.sent, s.answered, s.served);
console.log(r.logTail.filter(l => !l.includes('Reloading')).map(l => l.slice(0, 300)).join('\n'));
