/* The progress line of a batch on a terminal: done/total, images per
 * second, time left and failures so far, redrawn in place a few times a
 * second, and a summary line at the end. */
#ifndef THUMBNAIL_CLI_PROGRESS_H
#define THUMBNAIL_CLI_PROGRESS_H

#include <stdio.h>

typedef struct progress {
    FILE *out; /* NULL: no progress line */
    int total;
    double start; /* seconds, monotonic */
    double drawn; /* when the line was last drawn; 0: not on screen */
} progress;

/* Starts the clock; out NULL turns the line off. */
void progress_start(progress *p, FILE *out, int total);

/* Redraws the line after done inputs, failed of them, unless it was
 * drawn less than PROGRESS_INTERVAL ago (the last input always draws). */
void progress_update(progress *p, int done, int failed);

/* Clears the line so that a message can take its place; the next update
 * draws it again. */
void progress_clear(progress *p);

/* Replaces the line with the summary of the run. */
void progress_finish(progress *p, int done, int failed);

#endif
