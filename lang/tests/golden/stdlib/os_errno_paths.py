import errno
import os
import os.path

print(os.path.join("a", "b", "c.txt"), os.path.join("a/", "/abs", "x"), os.path.basename("/x/y.py"), os.path.dirname("/x/y.py"))
print(os.path.split("/a/b/c"), os.path.splitext("a.tar.gz"), os.path.splitext(".bashrc"), os.path.normpath("a//b/../c/./d"))
print(os.path.isabs("/x"), os.path.isabs("x"), os.path.basename("dir/"), os.path.dirname("file"))
print(os.path.exists("nofile.txt"), os.path.isfile("nofile.txt"), os.getpid() > 0, isinstance(os.getcwd(), str))
print(os.strerror(111), "|", os.strerror(32), "|", os.strerror(104), "|", os.strerror(0), "|", os.strerror(99999))
try:
    os.path.getsize("nofile.txt")
except FileNotFoundError as e:
    print(e, e.errno, e.filename)
with open("upload.bin", "wb") as f:
    f.write(b"x" * 1234)
print(os.path.exists("upload.bin"), os.path.getsize("upload.bin"), os.path.isfile("upload.bin"))
print(os.sep, os.name, os.linesep == "\n", os.environ.get("SOCKLAB_NOT_SET"), os.getenv("SOCKLAB_NOT_SET", "dflt"))
print(errno.ECONNREFUSED, errno.errorcode[111], errno.errorcode.get(999, 999), errno.EPIPE, errno.EAGAIN, errno.EWOULDBLOCK)
print(errno.EADDRINUSE, errno.ECONNRESET, errno.ETIMEDOUT, errno.EINPROGRESS, errno.ENOTCONN, errno.errorcode[errno.EWOULDBLOCK])
print(len(errno.errorcode), list(errno.errorcode.items())[:5])
