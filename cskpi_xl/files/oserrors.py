"""Why a file operation failed, in Chinese (and English) — never the system's English alone.

>>> os_reason(OSError(errno.ENOSPC, "No space left on device"))
('磁盘空间不足', 'the disk is full')
"""

from __future__ import annotations

import errno

from cskpi_xl.core.problems import Problem

__all__ = ["os_reason", "read_reason", "os_error_problem"]

_OS_REASONS = {
    errno.ENOSPC: ("磁盘空间不足", "the disk is full"),
    errno.EDQUOT: ("超出磁盘配额", "the disk quota is exceeded"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "permission denied"),
    errno.EROFS: ("磁盘或文件夹是只读的", "the file system is read-only"),
    errno.ENOTDIR: ("路径中有一部分是文件而不是文件夹", "part of the path is a file, not a folder"),
    errno.ENOENT: ("文件夹不存在", "no such folder"),
    errno.EISDIR: ("这是一个文件夹", "it is a folder"),
    errno.EEXIST: ("已经有一个同名的文件或文件夹", "a file or folder of that name exists"),
    errno.ENAMETOOLONG: ("文件名或路径太长", "the file name or path is too long"),
    errno.EBUSY: ("文件正被其他程序使用（例如在 Excel 中打开着）", "the file is in use by another program"),
    errno.ETXTBSY: ("文件正被其他程序使用（例如在 Excel 中打开着）", "the file is in use by another program"),
    errno.EMFILE: ("同时打开的文件太多", "too many open files"),
    errno.EIO: ("读写磁盘出错", "input/output error"),
    errno.EINVAL: ("文件名或路径不合法", "invalid file name or path"),
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why a file operation failed, in Chinese and English — never the system's English alone.

    >>> os_reason(OSError(errno.EEXIST, "File exists"))[0]
    '已经有一个同名的文件或文件夹'
    >>> os_reason(OSError("File contains no valid workbook part"))[0]
    '系统错误：File contains no valid workbook part'
    """
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    en = exc.strerror or str(exc)
    code = f"（错误码 {exc.errno}）" if exc.errno is not None else ""
    return f"系统错误{code}：{en}", en


def read_reason(exc: BaseException) -> str:
    """Why an earlier output or 汇总 could not be read back, in Chinese (locked by Excel, unreadable, damaged)."""
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被 Excel 等程序打开并锁定（关闭后重新运行）"
    if isinstance(exc, OSError):
        return f"文件无法读取：{exc.strerror or exc}"
    return f"文件已损坏或不是有效的工作簿（{type(exc).__name__}：{exc}）"


def os_error_problem(exc: OSError, what: str = "写入", what_en: str = "writing") -> Problem:
    """A Chinese Problem for a failed file operation, naming the file and why (disk full, no permission …).

    >>> import errno
    >>> os_error_problem(OSError(errno.ENOSPC, "No space left", "out/小美.xlsx")).message
    '写入 out/小美.xlsx 失败：磁盘空间不足。已有的文件保持不变，请腾出空间后重新运行'
    """
    zh, en = os_reason(exc)
    name = exc.filename if exc.filename is not None else ""
    return Problem(f"{what} {name} 失败：{zh}。已有的文件保持不变，请{'腾出空间' if exc.errno in (errno.ENOSPC, errno.EDQUOT) else '检查'}后重新运行",
                   f"{what_en} {name} failed: {en}; existing files are unchanged", file=str(name) or None)

