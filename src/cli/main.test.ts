import { describe, expect, it } from 'vitest';
import { buildProgram, requestedSubcommand, SUBCOMMANDS } from './main.ts';

// The program's help is printed from SUBCOMMANDS without importing the subcommand modules (start-up
// cost); these tests hold that text to the one of the fully registered program.
describe('lazily loaded subcommands', () => {
  it('the help-only program prints the same help as the fully registered one', async () => {
    const full = await buildProgram();
    const light = await buildProgram(null);
    expect(full.commands.map((c) => c.name())).toEqual(SUBCOMMANDS.map((c) => c.name));
    expect(light.helpInformation()).toBe(full.helpInformation());
    const help = full.createHelp();
    for (const c of SUBCOMMANDS) {
      const cmd = full.commands.find((x) => x.name() === c.name)!;
      expect(help.subcommandTerm(cmd)).toBe(c.term);
      expect(cmd.description()).toBe(c.description);
    }
  });

  it('loads only the subcommand that runs or whose help is asked for', async () => {
    const argv = (...a: string[]) => ['node', 'ntk-audit', ...a];
    expect(requestedSubcommand(argv('kernel', 'limiting', '--data', 'x.csv'))).toBe('kernel');
    expect(requestedSubcommand(argv('--quiet', 'run', '--theorem', 'list'))).toBe('run');
    expect(requestedSubcommand(argv('help', 'audit'))).toBe('audit');
    expect(requestedSubcommand(argv('help'))).toBeNull();
    expect(requestedSubcommand(argv('--help'))).toBeNull();
    expect(requestedSubcommand(argv('--version'))).toBeNull();
    expect(requestedSubcommand(argv('rn'))).toBeNull();
    expect((await buildProgram('merge')).commands.map((c) => c.name())).toEqual(['merge']);
  });
});
