// serverless.yml's `resources`, built at package time: osls calls each export with
// { options, resolveConfigurationProperty, resolveVariable }. The functions come from the resolved
// `functions` section, so what deploys is derived from what serverless.yml says, never from a copy.
require('tsx/cjs');
const { derivedResources } = require('./derivedResources.ts');
const { functionCatalog, factsFromFolder } = require('../shared/routes/functionCatalog.ts');

module.exports.resources = async ({ resolveConfigurationProperty }) => {
  const functions = await resolveConfigurationProperty(['functions']);
  return derivedResources(functionCatalog(functions, factsFromFolder(require('node:path').join(__dirname, '..'))));
};
