// `npm run bench:url`: the URL analysis benchmarks (issue #5). The lexical verdict is measured here
// (lexical.mjs); the deep scan's figures join this runner when the scanner lands.
import { runLexicalBench } from './lexical.mjs';

runLexicalBench();
