export * from './attempt'
export * from './notification'
export * from './problem'
export * from './subscription'
