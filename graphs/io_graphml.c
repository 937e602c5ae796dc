/* io_graphml.c — being written. */
