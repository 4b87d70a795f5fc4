// kafkajs's internal Cluster class, patched in kafkajs.ts (see patchControllerLookup there).
declare module 'kafkajs/src/cluster/index.js' {
  const Cluster: { prototype: { findControllerBroker(): Promise<unknown> } };
  export default Cluster;
}
