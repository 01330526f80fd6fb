/*
 * glibc's internal typedefs that the kernel's uapi headers meet through the C library (struct timeval,
 * struct timespec), named by the spec type that has their size on every ABI.  Spelled out from one ABI's dump
 * they would be that ABI's `long`, which is wrong on x32, where glibc makes them 64-bit:
 * bits/typesizes.h defines __TIME_T_TYPE, __SUSECONDS_T_TYPE and __OFF_T_TYPE as __SYSCALL_SLONG_TYPE, which is
 * __SQUAD_TYPE on x32 (libc6-dev-x32-cross: /usr/x86_64-linux-gnux32/include/bits/typesizes.h) and
 * __SLONGWORD_TYPE elsewhere: the kernel's __kernel_long_t in both cases.
 */
export const GLIBC_TYPEDEFS: Readonly<Record<string, string>> = {
  __time_t: "time_t",
  __suseconds_t: "__kernel_suseconds_t",
  __off_t: "__kernel_off_t",
  __syscall_slong_t: "__kernel_long_t",
  __syscall_ulong_t: "__kernel_ulong_t",
};
