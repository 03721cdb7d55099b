// The Sleuth Kit's C API: images, volume systems, file systems. Not tsk/libtsk.h,
// whose auto/ and pool/ headers are C++.
#include <tsk/base/tsk_base.h>
#include <tsk/img/tsk_img.h>
#include <tsk/vs/tsk_vs.h>
#include <tsk/fs/tsk_fs.h>
