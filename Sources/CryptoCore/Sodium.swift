internal import CSodium

/// libsodium must be initialised once per process before use; this global is
/// evaluated once, thread-safely, on first use.
private let sodiumInitialization: Int32 = sodium_init()

func ensureSodiumInitialized() {
    // sodium_init returns 0 on success, 1 if already initialised, -1 on failure.
    precondition(sodiumInitialization >= 0, "libsodium failed to initialise")
}

/// Overwrites `count` bytes with zeros in a way the compiler may not drop.
func wipe(_ pointer: UnsafeMutableRawPointer, _ count: Int) {
    unsafe sodium_memzero(pointer, count)
}
