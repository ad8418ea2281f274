/*
 * le.h
 *		Little-endian field access for the portable state types (plain C, no
 *		PostgreSQL headers): every state type of clientele stores its
 *		multi-byte fields little-endian whatever the machine, so that a state
 *		written on one host reads the same on another (Citus workers, dumps).
 *		On little-endian hosts these compile to plain loads and stores.
 */
#ifndef CL_LE_H
#define CL_LE_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CL_BIG_ENDIAN 1
#endif

static inline uint32_t
cl_le_u32(uint32_t v)
{
#ifdef CL_BIG_ENDIAN
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

static inline uint64_t
cl_le_u64(uint64_t v)
{
#ifdef CL_BIG_ENDIAN
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

static inline int32_t
cl_get_i32(const void *p)
{
	uint32_t	v;

	memcpy(&v, p, 4);
	return (int32_t) cl_le_u32(v);
}

static inline void
cl_put_i32(void *p, int32_t x)
{
	uint32_t	v = cl_le_u32((uint32_t) x);

	memcpy(p, &v, 4);
}

static inline int64_t
cl_get_i64(const void *p)
{
	uint64_t	v;

	memcpy(&v, p, 8);
	return (int64_t) cl_le_u64(v);
}

static inline void
cl_put_i64(void *p, int64_t x)
{
	uint64_t	v = cl_le_u64((uint64_t) x);

	memcpy(p, &v, 8);
}

static inline double
cl_get_f8(const void *p)
{
	uint64_t	v;
	double		d;

	memcpy(&v, p, 8);
	v = cl_le_u64(v);
	memcpy(&d, &v, 8);
	return d;
}

static inline void
cl_put_f8(void *p, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	v = cl_le_u64(v);
	memcpy(p, &v, 8);
}

#endif							/* CL_LE_H */
