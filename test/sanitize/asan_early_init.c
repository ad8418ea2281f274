/*
 * asan_early_init.c
 *		Preloaded after libasan into the server of `make test SANITIZE=1`.
 *
 * Shared-library constructors run before those of preloaded libraries: the
 * constructors of libgpg-error and gnutls (linked into postgres through
 * libldap and libpq's dependencies) call bindtextdomain(), whose first
 * malloc() initialises AddressSanitizer while glibc holds its gettext lock,
 * which leaves that lock corrupted: the server then hangs in its own
 * bindtextdomain() call.  Interposing bindtextdomain() to initialise ASan
 * before the real call avoids it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

extern void __asan_init(void);
extern char *bindtextdomain(const char *domain, const char *dir);

char *
bindtextdomain(const char *domain, const char *dir)
{
	static char *(*real) (const char *, const char *) = NULL;

	__asan_init();
	if (real == NULL)
		real = (char *(*) (const char *, const char *)) dlsym(RTLD_NEXT, "bindtextdomain");
	return real(domain, dir);
}
