// @ts-check
module.exports = require('./n8nUserFolder').teardown;
