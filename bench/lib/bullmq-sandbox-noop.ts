/** BullMQ's sandboxed processor for the isolation scenario: a file it loads in each worker thread. */
export = async function noop(): Promise<void> {};
