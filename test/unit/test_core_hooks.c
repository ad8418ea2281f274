/*
 * test_core_hooks.c - the plain-C core allocates only through cl_core_alloc /
 * cl_core_free and polls cl_optim_interrupt in its fits, so that the server
 * (src/common/clientele.c, _PG_init) can point them at palloc / pfree and
 * CHECK_FOR_INTERRUPTS: a cancelled fit then leaks nothing and every fit can
 * be cancelled.  Here the hooks count, and the "cancel" is a longjmp out of
 * the interrupt hook, as an ERROR is in the server.
 */
#include <setjmp.h>
#include <stdlib.h>

#include "tap.h"
#include "fitstate.h"
#include "optim.h"
#include "pareto_nbd.h"
#include "sbg.h"

#define MAX_LIVE 4096

static void *live[MAX_LIVE];
static int	nlive = 0;
static long nallocs = 0;
static long ninterrupts = 0;
static long cancel_after = -1;
static jmp_buf cancel_jmp;

static void *
count_alloc(size_t size)
{
	void	   *p = malloc(size);

	if (p == NULL || nlive == MAX_LIVE)
	{
		free(p);
		return NULL;
	}
	live[nlive++] = p;
	nallocs++;
	return p;
}

static void
count_free(void *p)
{
	int			i;

	if (p == NULL)
		return;
	for (i = 0; i < nlive; i++)
		if (live[i] == p)
		{
			live[i] = live[--nlive];
			free(p);
			return;
		}
	/* a block the hooks did not allocate: would be a pfree of malloc'd memory */
	ok(0, "cl_core_free got a block cl_core_alloc did not return");
}

static void
count_interrupt(void)
{
	ninterrupts++;
	if (cancel_after >= 0 && ninterrupts > cancel_after)
		longjmp(cancel_jmp, 1);
}

/* a memory context reset: free whatever the interrupted code still held */
static int
reset_context(void)
{
	int			n = nlive;

	while (nlive > 0)
		free(live[--nlive]);
	return n;
}

int
main(void)
{
	ClFitRow	rows[] = {
		{2, 30.43, 38.86, 3}, {1, 1.71, 38.86, 2}, {0, 0, 38.86, 5}, {0, 0, 38.86, 1},
		{5, 35.0, 38.0, 1}, {3, 20.0, 37.0, 2}, {1, 5.0, 36.0, 4}, {0, 0, 35.0, 6},
	};
	size_t		nrows = sizeof(rows) / sizeof(rows[0]);
	ClSbgCell cells[] = {
		{1, 369, 0, 0}, {2, 163, 0, 0}, {3, 86, 0, 0}, {4, 56, 0, 0},
		{5, 37, 0, 0}, {6, 27, 0, 0}, {7, 21, 241, 0},
	};
	ClPnbdData *d;
	ClModelFit fit;
	volatile int cancelled = 0;

	cl_core_alloc = count_alloc;
	cl_core_free = count_free;
	cl_optim_interrupt = count_interrupt;

	/* Pareto/NBD: prepared data and the whole fit go through the hooks */
	d = cl_pnbd_prepare(rows, nrows);
	ok(d != NULL, "cl_pnbd_prepare succeeds");
	ok(nallocs >= 12, "cl_pnbd_prepare allocates through cl_core_alloc (%ld blocks)", nallocs);
	cl_pnbd_free(d);
	ok(nlive == 0, "cl_pnbd_free returns every block through cl_core_free");

	nallocs = 0;
	ninterrupts = 0;
	ok(cl_pnbd_fit(rows, nrows, 0.0, &fit) == 0, "cl_pnbd_fit runs with the hooks");
	ok(nallocs > 0 && nlive == 0, "a Pareto/NBD fit allocates through the hooks and frees everything (%ld blocks)", nallocs);
	ok(ninterrupts > 0, "a Pareto/NBD fit polls the interrupt hook (%ld times)", ninterrupts);

	/* cancelled half-way: every block still held is one the context would free */
	nallocs = 0;
	ninterrupts = 0;
	cancel_after = 3;
	if (setjmp(cancel_jmp) == 0)
		cl_pnbd_fit(rows, nrows, 0.0, &fit);
	else
		cancelled = 1;
	cancel_after = -1;
	ok(cancelled, "a Pareto/NBD fit can be cancelled from the interrupt hook");
	ok(reset_context() > 0, "the memory a cancelled fit held came from cl_core_alloc (freed with its context)");

	/* sBG: no allocation needed, but the fit must be cancellable */
	ninterrupts = 0;
	ok(cl_sbg_fit(cells, sizeof(cells) / sizeof(cells[0]), 0.0, &fit) == 0, "cl_sbg_fit runs with the hooks");
	ok(ninterrupts > 0, "an sBG fit polls the interrupt hook (%ld times): sbg_fit can be cancelled", ninterrupts);
	ok(nlive == 0, "an sBG fit holds no memory afterwards");

	return tap_done();
}
