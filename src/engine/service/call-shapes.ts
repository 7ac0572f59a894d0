// The shape of every contract method's arguments as they arrive over the wire (see call-args.ts).
// Typed by the contract's method list, so a new method without its shapes does not compile.
import type { ApiMethod } from '../../shared/api';
import { list, nul, obj, opt, type Shape } from './call-args';

const text = opt('string');
const texts = opt(list('string'));
const ints = opt(list('int'));

const selectorFields: Record<string, Shape> = {
  from: text,
  to: text,
  srcIps: texts,
  dstIps: texts,
  anyIps: texts,
  srcPorts: ints,
  dstPorts: ints,
  protos: texts,
  states: texts,
  importIds: ints,
  zeroBytes: opt('boolean'),
};
/** Evidence selectors: the fields the SQL builder binds, one level of anyOf checked as deep. */
const selector = obj({ ...selectorFields, anyOf: opt(list(obj(selectorFields))) });
const range = obj({ from: 'string', to: 'string' });

/** FlowQuery & Supersedable plus a request's own fields. */
const flowQuery = (own: Record<string, Shape> = {}): Shape =>
  obj({ filter: text, selector: opt(selector), range: opt(range), supersede: text, ...own });

export const CALL_SHAPES: { readonly [M in ApiMethod]: readonly Shape[] } = {
  // case
  caseInfo: [],
  openCase: ['string'],
  createCase: ['string'],
  closeCase: [],
  recentCases: [],
  renameCase: ['string', 'string'],
  deleteCase: ['string'],
  grantedFolders: [],
  saveCaseAs: ['string'],
  // charts
  timeline: [flowQuery({ maxBuckets: opt('int') })],
  topTalkers: [flowQuery({ by: 'string', limit: opt('int') })],
  dstPorts: [flowQuery({ by: text, limit: opt('int') })],
  pairScatter: [flowQuery({ windowSeconds: opt('number'), feature: 'string', limit: opt('int') })],
  // context
  hostContext: ['string'],
  geoOf: [list('string')],
  namesAt: [list(obj({ ip: 'string', at: 'string' }))],
  addressesOfName: [obj({ name: 'string', suffix: opt('boolean'), limit: opt('int') })],
  contextStatus: [],
  topGeo: [flowQuery({ by: 'string', side: text, limit: opt('int') })],
  geoSources: [],
  exportPackets: [obj({ incidentId: opt('any'), query: opt(flowQuery()), flowIds: ints })],
  // feeds
  feeds: [],
  refreshFeeds: [texts],
  setFeedEnabled: ['string', 'boolean'],
  addFeed: [obj({ id: 'string', name: text, url: text, file: text, format: 'string' })],
  removeFeed: ['string'],
  // flows
  flows: [
    flowQuery({
      sort: opt(list(obj({ column: 'string', dir: 'string' }))),
      offset: 'int',
      limit: 'int',
    }),
  ],
  countFlows: [flowQuery()],
  checkFilter: ['string'],
  host: ['string'],
  cancelQueries: [list('string')],
  // follow
  followFolder: [obj({ path: 'string', newOnly: opt('boolean'), format: text })],
  followStatus: [],
  stopFollow: [],
  // import
  checkImport: [obj({ sources: list('any'), tz: opt(nul('string')), format: text })],
  importFiles: [obj({ sources: list('any'), tz: opt(nul('string')), format: text })],
  discardUploads: [list('string')],
  openSample: [],
  rejects: [obj({ importId: opt('int'), offset: 'int', limit: 'int' })],
  // incidents
  incidents: [],
  alerts: ['int'],
  // jobs
  jobs: [],
  job: ['string'],
  cancelJob: ['string'],
  // report
  exportReport: [obj({ incidentIds: opt(list('any')), format: 'string', title: text })],
  // settings
  uiState: [],
  saveUiState: [obj({ filter: text, filterHistory: texts, tab: text })],
  appSettings: [],
  // site
  site: [],
  setSite: [nul(list('string'))],
  // store
  connectStore: [obj({ url: 'string', password: text, passwordEnv: text, tls: opt('boolean') })],
  // triage
  triage: ['string'],
  triageAll: [],
  updateTriage: [
    'string',
    obj({ status: text, notes: text, appendNote: text, addTags: texts, removeTags: texts }),
  ],
  auditTrail: ['string'],
  allowRules: [],
  addAllowRule: [obj({})],
  removeAllowRule: ['int'],
  rerunDetection: [],
};
