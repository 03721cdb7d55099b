import CryptoCore

/// BIP38's final test: the address of the recovered key must hash to the
/// addresshash in the encrypted object. A mismatch means a wrong passphrase,
/// unless the hash matches the same key's address on the other network.
func verifiedAddress(
    of point: CurvePoint, format: AddressFormat, network: Network, addressHash: [UInt8]
)
    throws(BIP38Error) -> Address
{
    let address = Address.p2pkh(point, format: format, network: network)
    if address.addressHash == addressHash { return address }
    let other = Address.p2pkh(point, format: format, network: network.other)
    if other.addressHash == addressHash { throw .networkMismatch(expected: network, found: network.other) }
    throw .wrongPassphrase
}

/// Runs a primitive, reporting its failure as a ``BIP38Error``: an invalid
/// scalar or degenerate product as ``BIP38Error/scalarOutOfRange(what:)``
/// naming `what`, anything else as ``BIP38Error/primitive(_:)``.
func lifted<T>(_ what: String, _ body: () throws(CryptoError) -> T) throws(BIP38Error) -> T {
    do {
        return try body()
    } catch .invalidScalar, .degenerateResult {
        throw .scalarOutOfRange(what: what)
    } catch .pointNotOnCurve {
        throw .pointNotOnCurve(what: what)
    } catch {
        throw .primitive(error)
    }
}
