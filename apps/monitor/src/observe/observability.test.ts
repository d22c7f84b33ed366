// The observability API end to end, against Tern's broker, a single nats-server and a 3-node
// nats-server cluster with JetStream, with real traffic. The suites share one database.
import { after } from 'node:test';
import { disposeSharedDatabase } from '../test-support/shared-db.js';
import './single.suite.js';
import './cluster.suite.js';
import './broker.suite.js';
import './reset.suite.js';

after(disposeSharedDatabase);
