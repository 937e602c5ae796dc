/* graph.c — being written. */
