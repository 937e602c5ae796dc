/* network.c — being written. */
