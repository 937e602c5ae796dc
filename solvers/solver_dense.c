/* solver_dense.c — being written. */
