// Placeholder until the CLI issue lands: it says so and exits 2.
process.stderr.write('patience: not yet implemented\n');
process.exit(2);
