/*
 * memo.h
 *		A tiny direct-mapped memo of a pure function of up to 10 doubles (plain
 *		C, no PostgreSQL headers).  Predictions evaluated over millions of
 *		customers with one fitted parameter set repeat the same expensive
 *		sub-results (a likelihood per distinct (x, tx, n), a sum per distinct
 *		horizon): the memo returns them without recomputing.  Keys are
 *		compared bit for bit, so a hit returns exactly what the function
 *		returned; a miss just overwrites the slot.  Each use site owns a
 *		static table (one per backend process: PostgreSQL backends are single
 *		threaded).
 */
#ifndef CL_MEMO_H
#define CL_MEMO_H

#include <stdint.h>
#include <string.h>

#define CL_MEMO_MAXKEY 10

typedef struct ClMemoEntry
{
	double		key[CL_MEMO_MAXKEY];
	double		value;
	int			nkey;			/* 0: empty */
} ClMemoEntry;

/* slot of a key in a table of nslots (a power of two) entries */
static inline uint32_t
cl_memo_slot(const double *key, int nkey, uint32_t nslots)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ (uint64_t) nkey;

	for (int i = 0; i < nkey; i++)
	{
		uint64_t	u;

		memcpy(&u, &key[i], sizeof(u));
		h = (h ^ u) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	/* murmur3's finaliser: every key bit reaches the low bits */
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t) h & (nslots - 1);
}

/* 1 and *value when key[0..nkey) is in the table */
static inline int
cl_memo_get(const ClMemoEntry *tab, uint32_t nslots, const double *key, int nkey,
			double *value)
{
	const ClMemoEntry *e = &tab[cl_memo_slot(key, nkey, nslots)];

	if (e->nkey == nkey && memcmp(e->key, key, sizeof(double) * nkey) == 0)
	{
		*value = e->value;
		return 1;
	}
	return 0;
}

static inline void
cl_memo_put(ClMemoEntry *tab, uint32_t nslots, const double *key, int nkey,
			double value)
{
	ClMemoEntry *e = &tab[cl_memo_slot(key, nkey, nslots)];

	memcpy(e->key, key, sizeof(double) * nkey);
	e->nkey = nkey;
	e->value = value;
}

/*
 * A memo owned by one caller (a prediction call site), with a generation:
 * entries stored under another generation are misses, so everything the
 * memo holds is forgotten in O(1) by cl_genmemo_forget (e.g. when the
 * parameters its values depend on change).  Keys of up to 4 doubles.
 * Allocate offsetof(ClGenMemo, e) + nslots * sizeof(ClGenMemoEntry) zeroed
 * bytes (nslots a power of two), then set nslots and gen = 1.  used counts
 * the entries stored since the last forget (a caller may grow the memo when
 * it fills).
 */
#define CL_GENMEMO_MAXKEY 4

typedef struct ClGenMemoEntry
{
	double		key[CL_GENMEMO_MAXKEY];
	double		value;
	uint64_t	gen;			/* 0: empty */
} ClGenMemoEntry;

typedef struct ClGenMemo
{
	uint32_t	nslots;
	uint32_t	used;			/* entries stored in this generation */
	uint64_t	gen;
	ClGenMemoEntry e[];
} ClGenMemo;

static inline void
cl_genmemo_forget(ClGenMemo *m)
{
	m->gen++;
	m->used = 0;
}

/*
 * Open addressing: a key lives in one of the CL_GENMEMO_PROBES slots from
 * its hash slot on, in the first one that was free when it was stored (no
 * entry is removed within a generation, so a lookup stops at a free slot).
 */
#define CL_GENMEMO_PROBES 4

/* keys equal bit for bit (an inlined loop: nkey is a constant at each use) */
static inline int
cl_genmemo_keyeq(const double *a, const double *b, int nkey)
{
	for (int i = 0; i < nkey; i++)
	{
		uint64_t	u,
					v;

		memcpy(&u, &a[i], sizeof(u));
		memcpy(&v, &b[i], sizeof(v));
		if (u != v)
			return 0;
	}
	return 1;
}

static inline int
cl_genmemo_get(const ClGenMemo *m, const double *key, int nkey, double *value)
{
	uint32_t	h = cl_memo_slot(key, nkey, m->nslots);

	for (int i = 0; i < CL_GENMEMO_PROBES; i++)
	{
		const ClGenMemoEntry *e = &m->e[(h + i) & (m->nslots - 1)];

		if (e->gen != m->gen)
			return 0;
		if (cl_genmemo_keyeq(e->key, key, nkey))
		{
			*value = e->value;
			return 1;
		}
	}
	return 0;
}

/* store into the first free probe slot, or over the hash slot when all are used */
static inline void
cl_genmemo_put(ClGenMemo *m, const double *key, int nkey, double value)
{
	uint32_t	h = cl_memo_slot(key, nkey, m->nslots);
	ClGenMemoEntry *e = &m->e[h];

	for (int i = 0; i < CL_GENMEMO_PROBES; i++)
	{
		ClGenMemoEntry *f = &m->e[(h + i) & (m->nslots - 1)];

		if (f->gen != m->gen)
		{
			e = f;
			m->used++;
			break;
		}
	}
	memcpy(e->key, key, sizeof(double) * nkey);
	e->value = value;
	e->gen = m->gen;
}

#endif							/* CL_MEMO_H */
