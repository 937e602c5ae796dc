/* io_edgelist.c — being written. */
