// @ts-check
// n8n-core logs every node error through its console logger; the tests assert on those errors instead.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL || 'silent';
