// happy-dom gives no IndexedDB: use fake-indexeddb, which keeps CryptoKey
// objects through structured clone as a browser does.
import 'fake-indexeddb/auto';
