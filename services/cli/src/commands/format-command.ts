import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import { formatNetworkXml } from '@netfleet/netxml/format';
import { readXmlFile } from './lifecycle-commands';

interface Io { out: (text: string) => void }

/** net-format: offline parse + validate + canonical form, no API needed. */
export function registerFormatCommand(program: Command, io: Io): void {
  program.command('net-format').argument('<file>', 'network XML file').description('validate a network XML file offline and print it in canonical form')
    .action(async (file: string) => {
      const xml = await readXmlFile(file);
      try {
        io.out(formatNetworkXml(parseNetworkXml(xml)));
      } catch (e) {
        // Each problem line names the file, as compilers do; the problems themselves stay as they were.
        if (e instanceof NetfleetError) throw NetfleetError.received(e.code, `${file}: ${e.message.split('\n').join(`\n${file}: `)}`, e.details);
        throw e;
      }
    });
}
