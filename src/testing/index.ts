export { createTestSession } from './createTestSession';
export type {
  CreateTestSessionOptions,
  TestDevice,
  TestSession,
  TestUser,
} from './createTestSession';
export { addDevice } from './addDevice';
export type { AddDeviceOptions, SignedInDevice, TestDeviceOptions } from './addDevice';
export { createMemoryLocks } from './createMemoryLocks';
