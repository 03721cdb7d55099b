internal import CPKCS11
import CryptoCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PKCS#11 module loaded once per process: dlopen, C_GetFunctionList, C_Initialize.
/// Modules stay loaded (a module is initialised once per process, and its sessions
/// live until the process ends).
@safe final class PKCS11Module: @unchecked Sendable {
    let path: String
    let functions: UnsafeMutablePointer<ck_function_list>

    private init(path: String, functions: UnsafeMutablePointer<ck_function_list>) {
        self.path = path
        unsafe self.functions = functions
    }

    private static let loaded = Mutex<[String: PKCS11Module]>([:])

    /// The module at `path`, loaded and initialised on first use.
    static func load(_ path: String) throws(TokenError) -> PKCS11Module {
        let result: Result<PKCS11Module, TokenError> = loaded.withLock { modules in
            if let module = modules[path] { return .success(module) }
            guard path.hasPrefix("/") else {
                return .failure(.moduleUnusable(module: path, reason: "give its absolute path"))
            }
            guard FileManager.default.fileExists(atPath: path) else {
                return .failure(.moduleUnusable(module: path, reason: "no such file"))
            }
            guard let handle = unsafe dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                let reason = unsafe dlerror().map { unsafe String(cString: $0) } ?? "dlopen failed"
                return .failure(.moduleUnusable(module: path, reason: reason))
            }
            guard let symbol = unsafe dlsym(handle, "C_GetFunctionList") else {
                unsafe dlclose(handle)
                return .failure(.moduleUnusable(module: path, reason: "no C_GetFunctionList: not a PKCS#11 module"))
            }
            typealias GetFunctionList =
                @convention(c) (
                    UnsafeMutablePointer<UnsafeMutablePointer<ck_function_list>?>?
                ) -> ck_rv_t
            let getFunctionList = unsafe unsafeBitCast(symbol, to: GetFunctionList.self)
            var list: UnsafeMutablePointer<ck_function_list>?
            let status = unsafe getFunctionList(&list)
            guard status == CKR_OK, let list = unsafe list, let initialize = unsafe list.pointee.C_Initialize else {
                return .failure(.moduleUnusable(module: path, reason: "C_GetFunctionList failed"))
            }
            // The module may use the system's threads and locks.
            var arguments = unsafe ck_c_initialize_args()
            unsafe arguments.flags = CKF_OS_LOCKING_OK
            let initialized = unsafe initialize(&arguments)
            guard initialized == CKR_OK || initialized == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
                return .failure(
                    .moduleUnusable(module: path, reason: "C_Initialize failed (\(TokenError.name(of: initialized)))"))
            }
            let module = unsafe PKCS11Module(path: path, functions: list)
            modules[path] = module
            return .success(module)
        }
        return try result.get()
    }
}

/// One logged-in read-write session with one token of a module.
@safe final class PKCS11Session: @unchecked Sendable {
    let module: PKCS11Module
    let token: String
    let handle: ck_session_handle_t

    private init(module: PKCS11Module, token: String, handle: ck_session_handle_t) {
        self.module = module
        self.token = token
        self.handle = handle
    }

    deinit {
        unsafe _ = module.functions.pointee.C_CloseSession?(handle)
    }

    private var functions: ck_function_list { unsafe module.functions.pointee }

    private func check(_ call: String, _ result: ck_rv_t) throws(TokenError) {
        guard result == CKR_OK else { throw .callFailed(token: token, call: call, result: UInt(result)) }
    }

    /// Finds the token by label, opens a session and logs the user in with `pin`.
    static func open(_ location: TokenLocation, pin: SecretBytes) throws(TokenError) -> PKCS11Session {
        let module = try PKCS11Module.load(location.module)
        let functions = unsafe module.functions.pointee
        let token = location.token
        func check(_ call: String, _ result: ck_rv_t) throws(TokenError) {
            guard result == CKR_OK else { throw .callFailed(token: token, call: call, result: UInt(result)) }
        }
        var count: UInt = 0
        try check("C_GetSlotList", unsafe functions.C_GetSlotList(1, nil, &count))
        var slots = [ck_slot_id_t](repeating: 0, count: Int(count))
        try check("C_GetSlotList", unsafe functions.C_GetSlotList(1, &slots, &count))
        var found: ck_slot_id_t?
        for slot in slots.prefix(Int(count)) {
            var info = ck_token_info()
            guard unsafe functions.C_GetTokenInfo(slot, &info) == CKR_OK else { continue }
            let label = unsafe withUnsafeBytes(of: &info.label) { unsafe Array($0) }
            let text = String(decoding: label, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            if text == token {
                found = slot
                break
            }
        }
        guard let slot = found else { throw .noToken(module: location.module, token: token) }
        var handle: ck_session_handle_t = 0
        try check(
            "C_OpenSession",
            unsafe functions.C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nil, nil, &handle))
        let session = PKCS11Session(module: module, token: token, handle: handle)
        let login = unsafe pin.withUnsafeBytes { bytes in
            unsafe functions.C_Login(
                handle, CKU_USER,
                UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)),
                UInt(bytes.count))
        }
        switch login {
        case CKR_OK, CKR_USER_ALREADY_LOGGED_IN: return session
        case CKR_PIN_INCORRECT, CKR_PIN_LEN_RANGE: throw .wrongPIN(token: token)
        case CKR_PIN_LOCKED: throw .pinLocked(token: token)
        default: throw .callFailed(token: token, call: "C_Login", result: UInt(login))
        }
    }

    /// DER of the edwards25519 curve's OID 1.3.101.112 (RFC 8410), CKA_EC_PARAMS.
    static let edwards25519 = [UInt8]([0x06, 0x03, 0x2B, 0x65, 0x70])

    /// Makes the key pair; returns its raw public key.
    func generateEd25519(id: [UInt8], label: String) throws(TokenError) -> [UInt8] {
        var yes: UInt8 = 1
        var no: UInt8 = 0
        var params = Self.edwards25519
        var idBytes = id
        var labelBytes = Array(label.utf8)
        var mechanism = unsafe ck_mechanism(mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN, parameter: nil, parameter_len: 0)
        var publicHandle: ck_object_handle_t = 0
        var privateHandle: ck_object_handle_t = 0
        let one = UInt(MemoryLayout<UInt8>.size)
        let result = unsafe withUnsafeMutablePointer(to: &yes) { yes in
            unsafe withUnsafeMutablePointer(to: &no) { no in
                unsafe params.withUnsafeMutableBytes { params in
                    unsafe idBytes.withUnsafeMutableBytes { idPointer in
                        unsafe labelBytes.withUnsafeMutableBytes { labelPointer in
                            var publicTemplate = unsafe [
                                ck_attribute(type: CKA_TOKEN, value: yes, value_len: one),
                                ck_attribute(type: CKA_VERIFY, value: yes, value_len: one),
                                ck_attribute(
                                    type: CKA_EC_PARAMS, value: params.baseAddress, value_len: UInt(params.count)),
                                ck_attribute(
                                    type: CKA_ID, value: idPointer.baseAddress, value_len: UInt(idPointer.count)),
                                ck_attribute(
                                    type: CKA_LABEL, value: labelPointer.baseAddress,
                                    value_len: UInt(labelPointer.count)),
                            ]
                            var privateTemplate = unsafe [
                                ck_attribute(type: CKA_TOKEN, value: yes, value_len: one),
                                ck_attribute(type: CKA_PRIVATE, value: yes, value_len: one),
                                ck_attribute(type: CKA_SIGN, value: yes, value_len: one),
                                ck_attribute(type: CKA_SENSITIVE, value: yes, value_len: one),
                                ck_attribute(type: CKA_EXTRACTABLE, value: no, value_len: one),
                                ck_attribute(
                                    type: CKA_ID, value: idPointer.baseAddress, value_len: UInt(idPointer.count)),
                                ck_attribute(
                                    type: CKA_LABEL, value: labelPointer.baseAddress,
                                    value_len: UInt(labelPointer.count)),
                            ]
                            return unsafe functions.C_GenerateKeyPair(
                                handle, &mechanism, &publicTemplate, UInt(publicTemplate.count), &privateTemplate,
                                UInt(privateTemplate.count), &publicHandle, &privateHandle)
                        }
                    }
                }
            }
        }
        if result == CKR_MECHANISM_INVALID {
            throw .unexpected(token: token, "does not make Ed25519 keys (CKM_EC_EDWARDS_KEY_PAIR_GEN)")
        }
        try check("C_GenerateKeyPair", result)
        return try ecPoint(of: publicHandle)
    }

    /// The raw public key of the key pair with `id`.
    func publicKey(id: [UInt8]) throws(TokenError) -> [UInt8] {
        guard let object = try find(CKO_PUBLIC_KEY, id: id).first else {
            throw .keyNotFound(token: token, id: id.hex)
        }
        guard try !find(CKO_PRIVATE_KEY, id: id).isEmpty else { throw .keyNotFound(token: token, id: id.hex) }
        return try ecPoint(of: object)
    }

    /// Signs with the private key of `id` (CKM_EDDSA without parameters: pure Ed25519, RFC 8032).
    func signEd25519(id: [UInt8], message: [UInt8]) throws(TokenError) -> [UInt8] {
        guard let key = try find(CKO_PRIVATE_KEY, id: id).first else {
            throw .keyNotFound(token: token, id: id.hex)
        }
        var mechanism = unsafe ck_mechanism(mechanism: CKM_EDDSA, parameter: nil, parameter_len: 0)
        try check("C_SignInit", unsafe functions.C_SignInit(handle, &mechanism, key))
        var input = message
        var signature = [UInt8](repeating: 0, count: 64)
        var length = UInt(signature.count)
        try check("C_Sign", unsafe functions.C_Sign(handle, &input, UInt(input.count), &signature, &length))
        guard length == 64 else { throw .unexpected(token: token, "a \(length)-byte signature, not Ed25519's 64") }
        return signature
    }

    /// Destroys every object with `id` (the private and the public key), then checks none is left.
    func destroyKeyPair(id: [UInt8]) throws(TokenError) {
        let objects = try find(CKO_PRIVATE_KEY, id: id) + find(CKO_PUBLIC_KEY, id: id)
        guard !objects.isEmpty else { throw .keyNotFound(token: token, id: id.hex) }
        for object in objects { try check("C_DestroyObject", functions.C_DestroyObject(handle, object)) }
        guard try find(CKO_PRIVATE_KEY, id: id).isEmpty, try find(CKO_PUBLIC_KEY, id: id).isEmpty else {
            throw .unexpected(token: token, "the key is still there after C_DestroyObject")
        }
    }

    /// The objects of `objectClass` whose CKA_ID is `id`.
    private func find(_ objectClass: ck_object_class_t, id: [UInt8]) throws(TokenError) -> [ck_object_handle_t] {
        var objectClass = objectClass
        var idBytes = id
        let initialised = unsafe withUnsafeMutablePointer(to: &objectClass) { classPointer in
            unsafe idBytes.withUnsafeMutableBytes { idPointer in
                var template = unsafe [
                    ck_attribute(
                        type: CKA_CLASS, value: classPointer, value_len: UInt(MemoryLayout<ck_object_class_t>.size)),
                    ck_attribute(type: CKA_ID, value: idPointer.baseAddress, value_len: UInt(idPointer.count)),
                ]
                return unsafe functions.C_FindObjectsInit(handle, &template, UInt(template.count))
            }
        }
        try check("C_FindObjectsInit", initialised)
        defer { _ = functions.C_FindObjectsFinal(handle) }
        var found: [ck_object_handle_t] = []
        while true {
            var batch = [ck_object_handle_t](repeating: 0, count: 8)
            var count: UInt = 0
            try check("C_FindObjects", unsafe functions.C_FindObjects(handle, &batch, UInt(batch.count), &count))
            if count == 0 { break }
            found += batch.prefix(Int(count))
        }
        return found
    }

    /// CKA_EC_POINT of a public key: the 32-byte key, bare or in a DER OCTET STRING (04 20 ...).
    private func ecPoint(of object: ck_object_handle_t) throws(TokenError) -> [UInt8] {
        var attribute = unsafe ck_attribute(type: CKA_EC_POINT, value: nil, value_len: 0)
        try check("C_GetAttributeValue", unsafe functions.C_GetAttributeValue(handle, object, &attribute, 1))
        guard unsafe attribute.value_len <= 64 else {
            throw .unexpected(token: token, "an EC point that is not Ed25519's")
        }
        var point = unsafe [UInt8](repeating: 0, count: Int(attribute.value_len))
        let read = unsafe point.withUnsafeMutableBytes { bytes in
            unsafe attribute.value = bytes.baseAddress
            return unsafe functions.C_GetAttributeValue(handle, object, &attribute, 1)
        }
        try check("C_GetAttributeValue", read)
        point = unsafe Array(point.prefix(Int(attribute.value_len)))
        if point.count == 34, point[0] == 0x04, point[1] == 0x20 { return Array(point[2...]) }
        guard point.count == 32 else { throw .unexpected(token: token, "an EC point that is not Ed25519's") }
        return point
    }
}
