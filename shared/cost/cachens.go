package cost

// CacheNamespace is the cache namespace of answers computed from costs; a billing sync bumps
// its version, so no cached answer outlives the data it was computed from.
const CacheNamespace = "costs"
