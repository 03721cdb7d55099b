// PKCS#11 (Cryptoki) through p11-kit's header, in its GNU names (struct ck_attribute, value_len, ...).
// Nothing is linked: a token's module is loaded at run time (dlopen, C_GetFunctionList; Sources/Token).
#define CRYPTOKI_GNU 1
#include <p11-kit/pkcs11.h>
#include <dlfcn.h>
