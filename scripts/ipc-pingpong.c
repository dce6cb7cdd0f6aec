// SPDX-License-Identifier: GPL-2.0
/*
 * ipc-pingpong: one-byte round trips between two threads (or, with -p, two
 * processes) over a pair of pipes, a pair of eventfds or a unix socketpair;
 * with -s, one task that writes a byte and reads it back on one channel of
 * its own, the shape of will-it-scale's pipe1 (a pipe's cached page, no
 * wakeup, no context switch).
 * The pipe and the two controls share everything but the channel: syscall
 * entry, the wait queue wakeup and the context switch. A kernel change that
 * slows all three equally is not in fs/pipe.c; one that slows only the pipe
 * is. make bench SUITE=peers runs it (scripts/peers-job.sh).
 *
 *   ipc-pingpong [-p|-s] [-n ROUNDTRIPS] pipe|eventfd|unix ...
 *
 * Prints, per channel, "ipc-pingpong CHANNEL threads|processes|self NS" with
 * NS the guest nanoseconds (CLOCK_MONOTONIC) per round trip over ROUNDTRIPS
 * (default 20000) after a tenth as many unmeasured ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The peer is a thread, a process, or (-s) the same task. */
enum { THREADS, PROCESSES, SELF };

/* Two ways: up from ping to pong, down back; -s uses up alone. */
struct chan {
	int up_r, up_w, down_r, down_w;
	size_t len;	/* bytes per message: 1, or 8 for an eventfd */
	long rounds;
};

static void die(const char *what)
{
	fprintf(stderr, "ipc-pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xfer(int fd, bool out, size_t len)
{
	uint64_t v = 1;

	for (;;) {
		ssize_t n = out ? write(fd, &v, len) : read(fd, &v, len);

		if (n == (ssize_t)len)
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n >= 0)
			errno = EIO;
		die(out ? "write" : "read");
	}
}

static void *pong(void *arg)
{
	struct chan *c = arg;

	for (long i = 0; i < c->rounds; i++) {
		xfer(c->up_r, false, c->len);
		xfer(c->down_w, true, c->len);
	}
	return NULL;
}

static void ping(struct chan *c, long n)
{
	for (long i = 0; i < n; i++) {
		xfer(c->up_w, true, c->len);
		xfer(c->down_r, false, c->len);
	}
}

/* -s: write into the up channel and read the byte back from it. */
static void self(struct chan *c, long n)
{
	for (long i = 0; i < n; i++) {
		xfer(c->up_w, true, c->len);
		xfer(c->up_r, false, c->len);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void open_chan(const char *kind, struct chan *c)
{
	int a[2], b[2];

	c->len = 1;
	if (!strcmp(kind, "pipe")) {
		if (pipe(a) || pipe(b))
			die("pipe");
		c->up_r = a[0], c->up_w = a[1], c->down_r = b[0], c->down_w = b[1];
	} else if (!strcmp(kind, "eventfd")) {
		/* Blocking eventfds: a read waits for the peer's write. */
		a[0] = eventfd(0, 0);
		b[0] = eventfd(0, 0);
		if (a[0] < 0 || b[0] < 0)
			die("eventfd");
		c->up_r = c->up_w = a[0], c->down_r = c->down_w = b[0];
		c->len = sizeof(uint64_t);
	} else if (!strcmp(kind, "unix")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, a))
			die("socketpair");
		/* One socket each way, as the pipes: no shared queue. */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, b))
			die("socketpair");
		c->up_w = a[0], c->up_r = a[1], c->down_w = b[0], c->down_r = b[1];
	} else {
		fprintf(stderr, "ipc-pingpong: unknown channel %s\n", kind);
		exit(2);
	}
}

static void close_chan(struct chan *c)
{
	close(c->up_w);
	close(c->down_w);
	if (c->up_r != c->up_w)
		close(c->up_r);
	if (c->down_r != c->down_w)
		close(c->down_r);
}

/* Nanoseconds per round trip over @rounds, after @warm unmeasured ones. */
static double measure(struct chan *c, int mode, long warm, long rounds)
{
	pthread_t tid;
	uint64_t t0, t1;
	pid_t pid = 0;
	int err, st;

	if (mode == SELF) {
		self(c, warm);
		t0 = now_ns();
		self(c, rounds);
		return (double)(now_ns() - t0) / rounds;
	}
	c->rounds = warm + rounds;
	if (mode == PROCESSES) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			pong(c);
			_exit(0);
		}
	} else {
		err = pthread_create(&tid, NULL, pong, c);
		if (err) {
			errno = err;
			die("pthread_create");
		}
	}
	ping(c, warm);
	t0 = now_ns();
	ping(c, rounds);
	t1 = now_ns();
	if (mode == PROCESSES) {
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			die("pong process");
	} else {
		pthread_join(tid, NULL);
	}
	return (double)(t1 - t0) / rounds;
}

int main(int argc, char **argv)
{
	static const char * const mode_name[] = { "threads", "processes", "self" };
	int mode = THREADS, opt;
	long rounds = 20000;

	while ((opt = getopt(argc, argv, "psn:")) != -1) {
		if (opt == 'p')
			mode = PROCESSES;
		else if (opt == 's')
			mode = SELF;
		else if (opt == 'n')
			rounds = strtol(optarg, NULL, 0);
		else
			goto usage;
	}
	if (optind == argc || rounds <= 0)
		goto usage;

	for (int i = optind; i < argc; i++) {
		struct chan c;
		double ns;

		open_chan(argv[i], &c);
		ns = measure(&c, mode, rounds / 10 + 1, rounds);
		close_chan(&c);
		printf("ipc-pingpong %s %s %.1f\n", argv[i], mode_name[mode], ns);
		fflush(stdout);
	}
	return 0;
usage:
	fprintf(stderr, "usage: ipc-pingpong [-p|-s] [-n ROUNDTRIPS] pipe|eventfd|unix ...\n");
	return 2;
}
