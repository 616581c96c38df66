module.exports = require('./n8nUserFolder').setup;
