/*
 * test_hex.c - unit tests of src/core/hex.c (text form of binary states).
 */
#include <string.h>

#include "hex.h"
#include "tap.h"

int
main(void)
{
	unsigned char b[8];

	ok(cl_hex_decode("00ff10Ab", 4, b) == 4 && b[0] == 0 && b[1] == 255 && b[2] == 16 && b[3] == 0xab,
	   "lower- and upper-case digits decode");
	ok(cl_hex_decode("", 0, b) == 0, "no digits, no bytes");
	ok(cl_hex_decode("01zz02", 3, b) == 1 && b[0] == 1, "the first bad pair is named (index 1)");
	ok(cl_hex_decode("0g", 1, b) == 0, "a bad low digit");
	ok(cl_hexval('f') == 15 && cl_hexval('F') == 15 && cl_hexval('9') == 9 && cl_hexval(':') == -1 &&
	   cl_hexval('\0') == -1, "digit values");
	return tap_done();
}
