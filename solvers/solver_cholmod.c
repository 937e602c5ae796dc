/* solver_cholmod.c — being written. */
