/* solver.c — being written. */
