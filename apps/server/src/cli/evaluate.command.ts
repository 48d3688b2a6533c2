import { isFlowSchemaId } from '@vigil/detect';
import type { Command } from 'commander';
import { evaluateDocument, readModelDocument } from '../training/evaluation.service.js';
import { renderClassificationReport } from '../training/report-text.js';
import { loadWithProgress } from './train.command.js';

export function registerEvaluateCommand(program: Command): void {
  program
    .command('evaluate')
    .description("score a labelled flow file with a trained model and print the model's metrics on it")
    .requiredOption('--model <file>', 'model.json written by vigil train')
    .requiredOption('--data <file>', 'labelled flows in the schema the model was trained on')
    .option('--threshold <p>', 'decision threshold on P(attack) for binary models', Number)
    .option('--json', 'print the JSON report instead of the text report')
    .action(async (opts) => {
      const doc = await readModelDocument(opts.model);
      const { featureSpec } = doc;
      if (featureSpec.target.kind === 'anomaly')
        throw new Error('evaluate scores classifiers; this is an anomaly model');
      if (!isFlowSchemaId(featureSpec.schema)) {
        throw new Error(
          `the model was trained on "${featureSpec.schema}" data, which has no file format to evaluate on; train it with vigil train on a flow file first`,
        );
      }
      const loaded = await loadWithProgress(opts.data, {
        schema: featureSpec.schema,
        target: featureSpec.target.kind,
        categories: featureSpec.features,
        classNames: featureSpec.target.classNames,
      });
      for (const w of loaded.warnings) console.error(`warning: ${w}`);
      const report = evaluateDocument(doc, loaded.dataset, opts.threshold);
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(
          `Model ${doc.id} (${doc.algorithm}, ${featureSpec.schema}) on ${opts.data}: ${loaded.dataset.nRows} rows\n`,
        );
        console.log(renderClassificationReport(report));
      }
    });
}
