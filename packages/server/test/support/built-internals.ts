/**
 * Classes of the BUILT server that tests fetch from its Nest container (`server.app.get(X)`).
 * The in-process server runs packages/server/dist, and Nest finds a provider by its class, so the
 * class must be dist's, not the source's. One file to update when a class moves.
 */
export { AuthGuard } from '../../dist/auth/auth-guard.js';
export { NacosGrpcServer } from '../../dist/grpc/grpc-server.js';
export { UdpPusher } from '../../dist/push/udp-pusher.js';
export { WatchHub } from '../../dist/push/watch-hub.js';
export { ServerStatusHolder } from '../../dist/application/server-status.js';
