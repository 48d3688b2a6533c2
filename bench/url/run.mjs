// `npm run bench:url`: the URL analysis benchmarks (issue #5): the lexical verdict (lexical.mjs),
// then the deep scan (deep-scan.mjs: the scan runner on a local page, browser off and on).
import { runDeepScanBench } from './deep-scan.mjs';
import { runLexicalBench } from './lexical.mjs';

runLexicalBench();
await runDeepScanBench();
