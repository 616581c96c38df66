// n8n reads the node and credential paths from the "n8n" section of package.json;
// this entry point only exists so the package has a loadable main.
module.exports = {};
