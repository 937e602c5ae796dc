/* assemble.c — being written. */
