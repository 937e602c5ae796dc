/* generators.c — being written. */
