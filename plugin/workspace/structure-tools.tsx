/**
 * The right-hand column of the acelens viewer: the structure source (frame slider), the acelens panels
 * (Mol*'s custom structure controls, registered from manifest.json) right below it, then Mol*'s components and
 * measurements. Mol*'s superposition, quick styles and procedural animation are left out: they serve proteins.
 */
import * as React from 'react';
import { PluginUIComponent } from 'molstar/lib/mol-plugin-ui/base';
import { CustomStructureControls } from 'molstar/lib/mol-plugin-ui/controls';
import { Icon, BuildSvg } from 'molstar/lib/mol-plugin-ui/controls/icons';
import { StructureComponentControls } from 'molstar/lib/mol-plugin-ui/structure/components';
import { StructureMeasurementsControls } from 'molstar/lib/mol-plugin-ui/structure/measurements';
import { StructureSourceControls } from 'molstar/lib/mol-plugin-ui/structure/source';

export class AcelensStructureTools extends PluginUIComponent {
    override render() {
        return <>
            <div className='msp-section-header'><Icon svg={BuildSvg} />acelens · Structure Tools</div>
            <StructureSourceControls />
            <CustomStructureControls />
            <StructureComponentControls />
            <StructureMeasurementsControls />
        </>;
    }
}
