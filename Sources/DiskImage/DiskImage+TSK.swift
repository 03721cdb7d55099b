internal import CTSK
import Foundation

/// The Sleuth Kit's handles on one image: the image, its partition table (if any)
/// and each file system found. Every TSK call of the package is in this file.
/// Not for concurrent use: one image is read by one thread.
@safe final class TSKHandles {
    private let image: UnsafeMutablePointer<TSK_IMG_INFO>
    private var volumes: UnsafeMutablePointer<TSK_VS_INFO>?
    private var fileSystems: [UnsafeMutablePointer<TSK_FS_INFO>] = unsafe []

    /// Opens `path` as a raw image (never E01, VMDK or VHD: the raw bytes are what is searched).
    init(path: String) throws(DiskImageError) {
        tsk_error_reset()
        guard let image = unsafe tsk_img_open_utf8_sing(path, TSK_IMG_TYPE_RAW, 0) else {
            throw DiskImageError(path: path, "The Sleuth Kit cannot open it: \(Self.lastError())")
        }
        unsafe self.image = image
    }

    deinit {
        while let fs = unsafe fileSystems.popLast() { unsafe tsk_fs_close(fs) }
        if let volumes = unsafe volumes { unsafe tsk_vs_close(volumes) }
        unsafe tsk_img_close(image)
    }

    /// The file system at byte 0, or else each allocated partition's, when one is recognised.
    func findFileSystems() -> ([DiskImage.FileSystem], String?) {
        if let fs = unsafe tsk_fs_open_img(image, 0, TSK_FS_TYPE_DETECT) {
            unsafe fileSystems.append(fs)
            return unsafe ([DiskImage.FileSystem(type: Self.typeName(fs), offset: 0, partition: nil)], nil)
        }
        tsk_error_reset()
        guard let vs = unsafe tsk_vs_open(image, 0, TSK_VS_TYPE_DETECT) else {
            tsk_error_reset()
            return ([], nil)
        }
        unsafe volumes = vs
        var found: [DiskImage.FileSystem] = []
        for index in 0..<(unsafe vs.pointee.part_count) {
            guard let part = unsafe tsk_vs_part_get(vs, index),
                unsafe part.pointee.flags.rawValue & TSK_VS_PART_FLAG_ALLOC.rawValue != 0
            else { continue }
            guard let fs = unsafe tsk_fs_open_vol(part, TSK_FS_TYPE_DETECT) else {
                tsk_error_reset()
                continue
            }
            unsafe fileSystems.append(fs)
            let offset = unsafe Int64(part.pointee.start) * Int64(vs.pointee.block_size)
            unsafe found.append(
                DiskImage.FileSystem(
                    type: Self.typeName(fs), offset: offset, partition: Int(unsafe part.pointee.addr)))
        }
        let table = unsafe tsk_vs_type_toname(vs.pointee.vstype).map { unsafe String(cString: $0) } ?? "partitions"
        return (found, table)
    }

    /// Collects the names the walk reports (the C callback's context).
    private final class Walk {
        let fileSystem: Int
        var entries: [DiskImage.Entry] = []
        init(fileSystem: Int) { self.fileSystem = fileSystem }
    }

    /// Every allocated and unallocated name below the root of file system `index`.
    /// - Returns: the names, and The Sleuth Kit's message if the walk stopped on an error.
    func walk(fileSystem index: Int) -> ([DiskImage.Entry], String?) {
        let fs = unsafe fileSystems[index]
        let walk = Walk(fileSystem: index)
        let flags = TSK_FS_DIR_WALK_FLAG_ENUM(
            rawValue: TSK_FS_DIR_WALK_FLAG_ALLOC.rawValue | TSK_FS_DIR_WALK_FLAG_UNALLOC.rawValue
                | TSK_FS_DIR_WALK_FLAG_RECURSE.rawValue)
        tsk_error_reset()
        let failed = withExtendedLifetime(walk) {
            let context = unsafe Unmanaged.passUnretained(walk).toOpaque()
            return unsafe tsk_fs_dir_walk(fs, fs.pointee.root_inum, flags, Self.visit, context) != 0
        }
        return (walk.entries, failed ? Self.lastError() : nil)
    }

    /// The walk's callback: one name, with the path of its directory (`dir/sub/`).
    private static let visit: TSK_FS_DIR_WALK_CB = { file, parent, context in
        guard let file = unsafe file, let context = unsafe context, let name = unsafe file.pointee.name,
            let cName = unsafe name.pointee.name
        else { return TSK_WALK_CONT }
        let walk = unsafe Unmanaged<Walk>.fromOpaque(context).takeUnretainedValue()
        let bytes = unsafe bytesOf(cName)
        guard bytes != Array(".".utf8), bytes != Array("..".utf8) else { return TSK_WALK_CONT }
        let parents = (unsafe parent.map { unsafe bytesOf($0) } ?? []).split(separator: UInt8(ascii: "/")).map(
            Array.init)
        let deleted = unsafe name.pointee.flags.rawValue & TSK_FS_NAME_FLAG_UNALLOC.rawValue != 0
        let meta = unsafe file.pointee.meta
        let metaType = unsafe meta?.pointee.type.rawValue
        let nameType = unsafe name.pointee.type.rawValue
        let kind: DiskImage.Kind =
            switch metaType ?? 0 {
            case TSK_FS_META_TYPE_REG.rawValue: .file
            case TSK_FS_META_TYPE_DIR.rawValue, TSK_FS_META_TYPE_VIRT_DIR.rawValue: .directory
            case TSK_FS_META_TYPE_LNK.rawValue: .symlink
            case 0:
                switch nameType {
                case TSK_FS_NAME_TYPE_REG.rawValue: .file
                case TSK_FS_NAME_TYPE_DIR.rawValue: .directory
                case TSK_FS_NAME_TYPE_LNK.rawValue: .symlink
                default: .other
                }
            default: .other
            }
        let metaFree = unsafe (meta?.pointee.flags.rawValue ?? 0) & TSK_FS_META_FLAG_UNALLOC.rawValue != 0
        let sameInode = unsafe meta?.pointee.addr == name.pointee.meta_addr
        let link = unsafe meta?.pointee.link.map { unsafe bytesOf($0) }
        unsafe walk.entries.append(
            DiskImage.Entry(
                fileSystem: walk.fileSystem, parents: parents, name: bytes, inode: UInt64(name.pointee.meta_addr),
                deleted: deleted, kind: kind, size: Int64(meta?.pointee.size ?? 0),
                linkTarget: kind == .symlink ? link : nil,
                contentIsItsOwn: meta != nil && sameInode && (!deleted || metaFree)))
        return TSK_WALK_CONT
    }

    /// The content of `inode` in file system `index`, chunk by chunk.
    func read(
        fileSystem index: Int, inode: UInt64, chunk: Int, _ body: ([UInt8]) throws -> Bool, path: String
    ) throws {
        tsk_error_reset()
        guard let file = unsafe tsk_fs_file_open_meta(fileSystems[index], nil, TSK_INUM_T(inode)) else {
            throw DiskImageError(path: path, "inode \(inode): \(Self.lastError())")
        }
        defer { unsafe tsk_fs_file_close(file) }
        let size = unsafe Int64(file.pointee.meta?.pointee.size ?? 0)
        var offset: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: chunk)
        while offset < size {
            let wanted = Int(min(Int64(chunk), size - offset))
            let count = unsafe buffer.withUnsafeMutableBytes { raw in
                unsafe tsk_fs_file_read(
                    file, TSK_OFF_T(offset), raw.baseAddress?.assumingMemoryBound(to: CChar.self), wanted,
                    TSK_FS_FILE_READ_FLAG_NONE)
            }
            guard count > 0 else {
                throw DiskImageError(path: path, "inode \(inode) at byte \(offset): \(Self.lastError())")
            }
            offset += Int64(count)
            guard try body(Array(buffer[0..<count])) else { return }
        }
    }

    private static func typeName(_ fs: UnsafeMutablePointer<TSK_FS_INFO>) -> String {
        unsafe tsk_fs_type_toname(fs.pointee.ftype).map { unsafe String(cString: $0) } ?? "unknown file system"
    }

    private static func bytesOf(_ text: UnsafePointer<CChar>) -> [UInt8] {
        unsafe Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }

    /// The Sleuth Kit's last error of this thread, on one line.
    private static func lastError() -> String {
        let text = unsafe tsk_error_get().map { unsafe String(cString: $0) } ?? "unknown error"
        tsk_error_reset()
        return text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
