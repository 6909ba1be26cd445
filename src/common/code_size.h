// QC_SMALL_CODE: compiles one function for size (clang's minsize: no unrolling or
// vectorizing; and not inlined, which would compile it as its caller) inside a file
// built for speed (the -O3 kernel files, CMakeLists.txt), for code that runs once per
// call or only on errors: setup, checks, messages, degenerate shapes. Nothing under
// it may be a hot loop.
#pragma once

#if defined(__clang__)
#define QC_SMALL_CODE __attribute__((minsize, noinline))
#else
#define QC_SMALL_CODE __attribute__((noinline))
#endif
